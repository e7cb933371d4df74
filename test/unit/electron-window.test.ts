import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { APP_CSP, isAllowedExternal, isAppUrl, secureWindowOptions } from '../../main/electron/window-options.ts';
import { ROOT } from '../helpers.ts';

describe('Electron window security', () => {
  it('isolates and sandboxes the page with no Node and no webview', () => {
    const o = secureWindowOptions('/app/preload.mjs');
    assert.equal(o.webPreferences.contextIsolation, true);
    assert.equal(o.webPreferences.sandbox, true);
    assert.equal(o.webPreferences.nodeIntegration, false);
    assert.equal(o.webPreferences.nodeIntegrationInWorker, false);
    assert.equal(o.webPreferences.nodeIntegrationInSubFrames, false);
    assert.equal(o.webPreferences.webviewTag, false);
    assert.equal(o.webPreferences.webSecurity, true);
    assert.equal(o.webPreferences.allowRunningInsecureContent, false);
    assert.equal(o.webPreferences.preload, '/app/preload.mjs');
  });

  it('allows only the app\'s own origin and a short list of external sites', () => {
    assert.ok(isAppUrl('app://tagscape/index.html'));
    assert.ok(!isAppUrl('https://example.com/'));
    assert.ok(!isAppUrl('file:///etc/passwd'));
    assert.ok(isAllowedExternal('https://arxiv.org/abs/2303.14511'));
    assert.ok(!isAllowedExternal('http://arxiv.org/abs/2303.14511'));
    assert.ok(!isAllowedExternal('https://evil.example/arxiv.org/'));
    assert.match(APP_CSP, /default-src 'self'/);
    assert.doesNotMatch(APP_CSP, /unsafe-eval/);
  });

  it('the preload exposes one function per operation and never raw ipcRenderer', () => {
    const preload = fs.readFileSync(path.join(ROOT, 'main/electron/preload.ts'), 'utf8');
    assert.match(preload, /exposeInMainWorld\('tagscape'/);
    assert.doesNotMatch(preload, /exposeInMainWorld\([^)]*ipcRenderer\b/);
    assert.match(preload, /for \(const op of Object\.keys\(OPERATIONS\)/);
  });
});
