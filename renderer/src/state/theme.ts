/**
 * Light or dark: follows the system (prefers-color-scheme) unless the user picks one; the choice is
 * persisted. The resolved theme is set as data-theme on <html>, where the CSS variables hang, and read by
 * the charts (EChart.vue), which redraw their screen copy in dark colours. Exported figures never change.
 */
import { computed, ref, watchEffect } from 'vue';
import { persisted } from './persisted.ts';

export const THEMES = ['auto', 'light', 'dark'] as const;
export type ThemeSetting = (typeof THEMES)[number];

export const themeSetting = persisted<ThemeSetting>('theme', 'auto');
if (!THEMES.includes(themeSetting.value)) themeSetting.value = 'auto';

const query = window.matchMedia('(prefers-color-scheme: dark)');
const systemDark = ref(query.matches);
query.addEventListener('change', (e) => (systemDark.value = e.matches));

export const dark = computed(() => (themeSetting.value === 'auto' ? systemDark.value : themeSetting.value === 'dark'));

watchEffect(() => {
  const root = document.documentElement;
  root.dataset.theme = dark.value ? 'dark' : 'light';
  root.style.colorScheme = dark.value ? 'dark' : 'light';
});
