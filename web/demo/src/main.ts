/**
 * The demo page: three tabs over three models, each interaction one GraphQL request through the
 * typed Apollo client. The first request fetches what every tab shows first (models' descriptions
 * and a page of the movie catalog) in one go.
 */
import { DemoStartDocument } from '../../../client/src/operations.js';
import { byId, fill, h } from './dom.js';
import { connectGateway } from './gateway.js';
import { mountIrisPanel } from './iris-panel.js';
import { mountMoviesPanel } from './movies-panel.js';
import { mountSentimentPanel } from './sentiment-panel.js';

const KEY_STORAGE = 'gateway-demo:api-key';

const keyInput = byId<HTMLInputElement>('api-key');
const banner = byId('banner');
const lastRequest = byId('last-request');
let requests = 0;

const demoKey = document.querySelector<HTMLMetaElement>('meta[name="gateway-demo-key"]')?.content ?? '';
keyInput.value = localStorage.getItem(KEY_STORAGE) ?? demoKey;
keyInput.addEventListener('change', () => {
  localStorage.setItem(KEY_STORAGE, keyInput.value.trim());
  banner.hidden = true;
});

const gateway = connectGateway({
  apiKey: () => keyInput.value,
  onCallerError: (error) => {
    const advice = error.code === 'RATE_LIMITED' ? 'Slow down and try again shortly.' : 'Check the API key above.';
    fill(banner, h('strong', {}, error.code), ` ${error.message}. ${advice}`);
    banner.hidden = false;
  },
  onHttpRequest: ({ operations, status, milliseconds }) => {
    requests += 1;
    lastRequest.textContent = `Request ${requests}: ${operations.join(' + ')} · HTTP ${status} · ${Math.round(milliseconds)} ms`;
  },
});

const tabs = ['sentiment', 'movies', 'iris'] as const;
type Tab = (typeof tabs)[number];
const onOpen: Partial<Record<Tab, () => void>> = {};

function openTab(tab: Tab): void {
  for (const other of tabs) {
    byId(`tab-${other}`).setAttribute('aria-selected', String(other === tab));
    byId(`panel-${other}`).hidden = other !== tab;
  }
  onOpen[tab]?.();
  history.replaceState(null, '', `#${tab}`);
}
for (const tab of tabs) byId(`tab-${tab}`).addEventListener('click', () => openTab(tab));

const start = await gateway.run(DemoStartDocument, {});
const descriptionOf = (name: string) => start.data?.models?.find((model) => model.name === name)?.description ?? undefined;
mountSentimentPanel(byId('panel-sentiment'), gateway, descriptionOf('sentiment'));
mountMoviesPanel(byId('panel-movies'), gateway, start.data?.movies ?? [], descriptionOf('movie-recommender'));
onOpen.iris = mountIrisPanel(byId('panel-iris'), gateway, descriptionOf('iris')).activate;

const requested = location.hash.slice(1);
openTab((tabs as readonly string[]).includes(requested) ? (requested as Tab) : 'sentiment');
document.body.dataset.ready = 'true';
