// Loaded with `node --import` in front of the tagscape CLI: at exit it writes the process's peak resident
// memory (getrusage maxrss, in bytes) to the file named by TAGSCAPE_RSS_OUT.
import fs from 'node:fs';

process.on('exit', () => {
  if (process.env.TAGSCAPE_RSS_OUT) fs.writeFileSync(process.env.TAGSCAPE_RSS_OUT, String(process.resourceUsage().maxRSS * 1024));
});
