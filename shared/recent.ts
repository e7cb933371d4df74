/** Recently opened data files, most recent first: kept by the window and by the desktop menu's Open recent. */
export const RECENT_MAX = 8;

/** `file` first in the list, once, at most `max` entries; synthetic specs are not files and are not listed. */
export function withRecent(list: readonly string[], file: string, max = RECENT_MAX): string[] {
  if (file.startsWith('synthetic:')) return [...list];
  return [file, ...list.filter((f) => f !== file)].slice(0, max);
}
