/**
 * Choices that survive a restart: a ref mirrored into localStorage under `tagscape.<key>`. Every page
 * keeps its form in one of these, so reopening the app (or reloading the loopback page) finds the last
 * settings. A stored value that no longer parses falls back to the default instead of breaking the page.
 */
import { ref, watch, type Ref } from 'vue';

export function persisted<T>(key: string, initial: T): Ref<T> {
  const storageKey = `tagscape.${key}`;
  let start = initial;
  try {
    const raw = localStorage.getItem(storageKey);
    if (raw !== null) {
      const parsed = JSON.parse(raw) as T;
      // An object default gains the keys added since the value was stored.
      start = initial && typeof initial === 'object' && !Array.isArray(initial) && parsed && typeof parsed === 'object' ? { ...initial, ...parsed } : parsed;
    }
  } catch {
    start = initial;
  }
  const value = ref(start) as Ref<T>;
  watch(value, (v) => localStorage.setItem(storageKey, JSON.stringify(v)), { deep: true });
  return value;
}
