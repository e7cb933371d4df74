import PrimeVue from 'primevue/config';
import ConfirmationService from 'primevue/confirmationservice';
import ToastService from 'primevue/toastservice';
import { createApp } from 'vue';
import App from './App.vue';
import { createClient } from './client/client.ts';
import { TagscapePreset } from './theme-preset.ts';

// PrimeVue's styled mode (docs/ui.md): Aura with a darker primary, dark wherever <html data-theme="dark"> (state/theme.ts).
createApp(App)
  .use(PrimeVue, { theme: { preset: TagscapePreset, options: { darkModeSelector: '[data-theme="dark"]', cssLayer: false } } })
  .use(ToastService)
  .use(ConfirmationService)
  .provide('client', createClient())
  .mount('#app');
