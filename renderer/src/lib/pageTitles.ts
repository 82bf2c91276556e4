/** The top bar's page title: the UI-string key for each named route (router.ts). */
export const PAGE_TITLES: Record<string, string> = {
  home: 'nav.home',
  new: 'form.title',
  datasets: 'datasets.title',
  dataset: 'datasets.title',
  runs: 'runs.title',
  run: 'runs.title',
  compare: 'compare.title',
  settings: 'settings.title',
  composer: 'composer.title',
  composerModel: 'composer.title',
  studies: 'hpo.title',
  studyNew: 'hpo.form.title',
  study: 'hpo.title'
}
