import { createApp } from 'vue';
import App from './App.vue';
import { LoopbackClient } from './client/client.ts';

createApp(App).provide('client', new LoopbackClient()).mount('#app');
