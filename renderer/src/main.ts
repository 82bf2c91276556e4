/** Renderer entry: Pinia, router, i18n, then the shell. */
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { getBridge } from './api/bridge'
import './styles.css'

// Before the router reads the URL: picks the bridge and, in browser mode, moves `?token=` into
// sessionStorage and out of the address bar, then starts connecting.
getBridge()

createApp(App).use(createPinia()).use(router).use(i18n).mount('#app')
