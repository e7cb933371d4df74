/**
 * PrimeVue's Aura theme with a blue primary dark enough for white text (Aura's emerald-500 gives white
 * labels a contrast of 2.5:1; WCAG AA asks 4.5:1), light and dark. The dark scheme applies under
 * <html data-theme="dark">, which state/theme.ts sets from the system or the user's choice.
 */
import Aura from '@primeuix/themes/aura';
import { definePreset } from '@primeuix/themes';

const shades = [50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950] as const;

/** A toast's text colours: Aura's 600 shades on their pale backgrounds fall short of 4.5:1 in the light scheme. */
const toastText = (light: number) =>
  Object.fromEntries((['info', 'success', 'warn', 'error'] as const).map((s) => {
    const hue = { info: 'blue', success: 'green', warn: 'yellow', error: 'red' }[s];
    return [s, { color: `{${hue}.${light}}`, detailColor: '{surface.700}' }];
  }));

/** Danger buttons (Delete) in red 700: Aura's red 500 gives white labels, and red text on white, 3.8:1. */
const dangerButtons = {
  root: { danger: { background: '{red.700}', hoverBackground: '{red.800}', activeBackground: '{red.900}', borderColor: '{red.700}', hoverBorderColor: '{red.800}', activeBorderColor: '{red.900}', focusRing: { color: '{red.700}' } } },
  outlined: { danger: { color: '{red.700}' } },
  text: { danger: { color: '{red.700}' } },
};

export const TagscapePreset = definePreset(Aura, {
  components: {
    toast: { colorScheme: { light: toastText(800) } },
    button: { colorScheme: { light: dangerButtons } },
    // An unpressed toggle's label (the ROC view's SelectButton, 2D/3D): Aura's surface 500 on surface 100 is 4.3:1.
    togglebutton: { colorScheme: { light: { root: { color: '{surface.600}' }, icon: { color: '{surface.600}' } } } },
  },
  semantic: {
    primary: Object.fromEntries(shades.map((s) => [s, `{blue.${s}}`])),
    colorScheme: {
      light: {
        primary: { color: '{primary.700}', contrastColor: '#ffffff', hoverColor: '{primary.800}', activeColor: '{primary.900}' },
        highlight: { background: '{primary.50}', focusBackground: '{primary.100}', color: '{primary.800}', focusColor: '{primary.900}' },
      },
      dark: {
        primary: { color: '{primary.300}', contrastColor: '{surface.950}', hoverColor: '{primary.200}', activeColor: '{primary.100}' },
        highlight: { background: 'color-mix(in srgb, {primary.400}, transparent 84%)', focusBackground: 'color-mix(in srgb, {primary.400}, transparent 76%)', color: 'rgba(255,255,255,.87)', focusColor: 'rgba(255,255,255,.87)' },
      },
    },
  },
});
