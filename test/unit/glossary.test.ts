import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { GLOSSARY, glossaryMarkdown } from '../../shared/glossary.ts';
import { paperDefaults } from '../../renderer/src/views/train-form.ts';
import { ROOT } from '../helpers.ts';

describe('the shared glossary', () => {
  it('docs/glossary.md is the one generated from shared/glossary.ts, and the README links to it', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'glossary.md'), 'utf8');
    assert.equal(doc, glossaryMarkdown(), 'docs/glossary.md is stale: run node --import tsx scripts/glossary.ts');
    for (const e of Object.values(GLOSSARY)) assert.ok(doc.includes(`**${e.term}**: ${e.text}`), e.term);
    assert.match(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), /\(docs\/glossary\.md\)/);
  });

  it('explains each term in one sentence', () => {
    for (const [key, e] of Object.entries(GLOSSARY)) {
      assert.match(e.text, /^[A-Z0-9ε].*\.$/u, `${key} is a sentence`);
      assert.doesNotMatch(e.text.slice(0, -1), /[.!?]\s+[A-Z]/, `${key} is one sentence`);
    }
  });

  it('covers the physics terms of the issue and every Train option', () => {
    for (const k of ['eps', 'BvL', 'BvC', 'CvB', 'CvL', 'workingPoints', 'focalGamma', 'frozen', 'fgsm', 'pgd', 'ngm', 'directions', 'curvature']) assert.ok(k in GLOSSARY, k);
    // Every field of the Train form but the attack choice (explained by the attacks' own entries).
    for (const field of Object.keys(paperDefaults()).filter((f) => f !== 'adv')) assert.ok(field in GLOSSARY, `Train option ${field}`);
  });
});
