import { createApp } from 'vue';
import App from './App.vue';
import { createClient } from './client/client.ts';

createApp(App).provide('client', createClient()).mount('#app');
