import Aura from '@primeuix/themes/aura';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import { createApp } from 'vue';
import App from './App.vue';
import { createClient } from './client/client.ts';

// PrimeVue's styled mode (docs/ui.md): the Aura theme, dark wherever <html data-theme="dark"> (state/theme.ts).
createApp(App)
  .use(PrimeVue, { theme: { preset: Aura, options: { darkModeSelector: '[data-theme="dark"]', cssLayer: false } } })
  .use(ToastService)
  .provide('client', createClient())
  .mount('#app');
