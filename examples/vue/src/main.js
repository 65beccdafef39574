import { createApp } from 'vue';
import 'parley/define';
import App from './App.vue';

createApp(App).mount('#app');
