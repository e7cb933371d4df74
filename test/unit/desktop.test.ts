import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { JobInfo } from '../../shared/api/contract.ts';
import { isDataFile } from '../../main/electron/file-access.ts';
import { jobEndNotification, LONG_JOB_MS } from '../../main/electron/job-notification.ts';
import { aboutText, menuTemplate, type MenuItem } from '../../main/electron/menu.ts';
import { DEFAULT_WINDOW, MIN_SIZE, readWindowState, restoreWindowState, writeWindowState } from '../../main/electron/window-state.ts';
import { tmpDir } from '../helpers.ts';

const PAGES = ['data', 'train', 'evaluate', 'robustness', 'inspect', 'landscape', 'runs', 'export'].map((id) => ({ id, label: id[0].toUpperCase() + id.slice(1) }));

describe('the native menu', () => {
  const calls: string[] = [];
  const actions = {
    openData: () => calls.push('open'), openRecent: (f: string) => calls.push(`recent ${f}`), clearRecent: () => calls.push('clear'),
    exportFigures: () => calls.push('export'), showPage: (p: string) => calls.push(`page ${p}`), about: () => calls.push('about'),
  };
  const find = (items: MenuItem[], label: string) => items.find((i) => i.label === label)!;

  it('has File › Open data…, Open recent, Export…; View › the pages with Ctrl/Cmd+1…8; Help › About', () => {
    const menu = menuTemplate({ pages: PAGES, recent: ['/d/a.h5', '/d/b.root'], platform: 'linux', actions });
    assert.deepEqual(menu.map((m) => m.label ?? m.role), ['File', 'editMenu', 'View', 'Help']);
    const file = find(menu, 'File').submenu!;
    find(file, 'Open data…').click!();
    assert.equal(find(file, 'Open data…').accelerator, 'CmdOrCtrl+O');
    const recent = find(file, 'Open recent').submenu!;
    assert.deepEqual(recent.filter((r) => r.label?.startsWith('/')).map((r) => r.label), ['/d/a.h5', '/d/b.root']);
    recent[1].click!();
    find(recent, 'Clear recent').click!();
    find(file, 'Export…').click!();
    const view = find(menu, 'View').submenu!.filter((v) => v.accelerator);
    assert.deepEqual(view.map((v) => [v.label, v.accelerator]), PAGES.map((p, k) => [p.label, `CmdOrCtrl+${k + 1}`]));
    view[2].click!();
    find(find(menu, 'Help').submenu!, 'About Tagscape').click!();
    assert.deepEqual(calls, ['open', 'recent /d/b.root', 'clear', 'export', 'page evaluate', 'about']);
    assert.ok(file.some((f) => f.role === 'quit'));
  });

  it('says when there is nothing recent, and puts the app menu first on macOS', () => {
    const menu = menuTemplate({ pages: PAGES, recent: [], platform: 'darwin', actions });
    assert.equal(menu[0].role, 'appMenu');
    const recent = find(find(menu, 'File').submenu!, 'Open recent').submenu!;
    assert.deepEqual(recent, [{ label: 'No recent files', enabled: false }]);
    assert.match(aboutText('0.1.0', 'wasm (1 thread)'), /^Tagscape 0\.1\.0\nTensor backend: wasm \(1 thread\)/);
  });
});

describe('the window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('restores a saved size and position on a display that is there', () => {
    assert.deepEqual(restoreWindowState({ x: 100, y: 50, width: 1200, height: 800, maximized: true }, screen), { x: 100, y: 50, width: 1200, height: 800, maximized: true });
  });

  it('drops a position whose title bar is off every display, and bounds the size', () => {
    assert.deepEqual(restoreWindowState({ x: 2500, y: 100, width: 1200, height: 800 }, screen), { width: 1200, height: 800, maximized: false }, 'a monitor that is gone');
    assert.deepEqual(restoreWindowState({ x: 100, y: -500, width: 1200, height: 800 }, screen), { width: 1200, height: 800, maximized: false }, 'title bar above the screen');
    const second = [...screen, { x: 1920, y: 0, width: 1280, height: 1000 }];
    assert.equal(restoreWindowState({ x: 2500, y: 100, width: 1200, height: 800 }, second).x, 2500, 'on the second monitor');
    assert.deepEqual(restoreWindowState({ width: 100, height: 99999 }, screen), { width: MIN_SIZE.width, height: 1040, maximized: false });
    assert.deepEqual(restoreWindowState({ width: 'wide' }, screen), DEFAULT_WINDOW);
    assert.deepEqual(restoreWindowState(null, screen), DEFAULT_WINDOW);
  });

  it('round-trips through its file, and a missing or broken file gives the default', () => {
    const file = path.join(tmpDir(), 'window-state.json');
    assert.deepEqual(readWindowState(file, screen), DEFAULT_WINDOW);
    writeWindowState(file, { x: 10, y: 20, width: 1000, height: 700 }, false);
    assert.deepEqual(readWindowState(file, screen), { x: 10, y: 20, width: 1000, height: 700, maximized: false });
    fs.writeFileSync(file, '{ not json');
    assert.deepEqual(readWindowState(file, screen), DEFAULT_WINDOW);
  });
});

describe('the system notification when a job ends', () => {
  const t0 = Date.parse('2026-01-01T10:00:00Z');
  const job = (status: JobInfo['status'], extra: Partial<JobInfo> = {}): JobInfo => ({ id: 'job-1', kind: 'train', label: 'train nominal, 10 epochs', status, progress: 1, message: 'done', created: new Date(t0).toISOString(), ...extra });

  it('notifies only for a long job that ended while the window was not focused', () => {
    const later = t0 + 5 * 60_000;
    assert.deepEqual(jobEndNotification(job('complete'), false, later), { title: 'Tagscape: job done', body: 'train nominal, 10 epochs finished after about 5 min.' });
    assert.deepEqual(jobEndNotification(job('failed', { error: 'out of memory' }), false, later), { title: 'Tagscape: job failed', body: 'train nominal, 10 epochs: out of memory' });
    assert.equal(jobEndNotification(job('complete'), true, later), null, 'the window is focused: its own toast says it');
    assert.equal(jobEndNotification(job('complete'), false, t0 + LONG_JOB_MS - 1), null, 'a short job');
    assert.equal(jobEndNotification(job('running'), false, later), null);
    assert.equal(jobEndNotification(job('cancelled'), false, later), null, 'the user cancelled it');
  });
});

describe('a dropped data file', () => {
  it('is readable when it is an existing file with a data extension, given by an absolute path', () => {
    const dir = tmpDir();
    for (const name of ['jets.h5', 'jets.ROOT', 'notes.txt', 'dataset.json.gz']) fs.writeFileSync(path.join(dir, name), 'x');
    fs.mkdirSync(path.join(dir, 'folder.h5'));
    assert.equal(isDataFile(path.join(dir, 'jets.h5')), true);
    assert.equal(isDataFile(path.join(dir, 'jets.ROOT')), true);
    assert.equal(isDataFile(path.join(dir, 'dataset.json.gz')), true);
    assert.equal(isDataFile(path.join(dir, 'notes.txt')), false);
    assert.equal(isDataFile(path.join(dir, 'folder.h5')), false, 'a folder');
    assert.equal(isDataFile(path.join(dir, 'missing.h5')), false);
    assert.equal(isDataFile('jets.h5'), false, 'a relative path');
    assert.equal(isDataFile(42), false);
  });
});
