// Rewrites docs/glossary.md from shared/glossary.ts (the window's tooltips): node --import tsx scripts/glossary.ts
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { glossaryMarkdown } from '../shared/glossary.ts';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'glossary.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, glossaryMarkdown());
console.log(`wrote ${file}`);
