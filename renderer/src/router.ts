/**
 * Routes. Hash history: the app loads from file:// in Electron and from http://127.0.0.1 in
 * browser mode. Views are imported eagerly: a local desktop app gains nothing from lazy chunks, and
 * a lazy first route leaves a window in which vue-router's initial navigation finishes late and
 * overwrites a hash the user (or a test) changed meanwhile.
 */
import { createRouter, createWebHashHistory } from 'vue-router'
import HomeView from './views/HomeView.vue'
import NewRunView from './views/NewRunView.vue'
import RunsView from './views/RunsView.vue'
import RunView from './views/RunView.vue'
import CompareView from './views/CompareView.vue'
import SettingsView from './views/SettingsView.vue'
import DatasetsView from './views/DatasetsView.vue'
import DatasetView from './views/DatasetView.vue'
import ComposerView from './views/ComposerView.vue'
import StudiesView from './views/StudiesView.vue'
import StudyNewView from './views/StudyNewView.vue'
import StudyView from './views/StudyView.vue'

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'home', component: HomeView },
    { path: '/new', name: 'new', component: NewRunView },
    { path: '/datasets', name: 'datasets', component: DatasetsView },
    { path: '/datasets/:id', name: 'dataset', component: DatasetView, props: true },
    { path: '/runs', name: 'runs', component: RunsView },
    { path: '/runs/:id', name: 'run', component: RunView, props: true },
    { path: '/compare', name: 'compare', component: CompareView },
    { path: '/settings', name: 'settings', component: SettingsView },
    { path: '/composer', name: 'composer', component: ComposerView },
    { path: '/composer/:modelId', name: 'composerModel', component: ComposerView, props: true },
    { path: '/studies', name: 'studies', component: StudiesView },
    { path: '/studies/new', name: 'studyNew', component: StudyNewView },
    { path: '/studies/:id', name: 'study', component: StudyView, props: true },
    { path: '/:pathMatch(.*)*', redirect: '/' }
  ]
})
