/**
 * The GraphQL IDE's page: Ruru (a GraphiQL 5 distribution: docs explorer, autocompletion, headers
 * editor, tabs, history) configured for this gateway. Its scripts, styles, editor workers and fonts
 * come from the `ruru` package through the gateway's own routes (`staticPath`), never from a CDN.
 */
import { type RuruServerConfig, ruruHTML } from 'ruru/server';

/**
 * The first tab's query: three models in one request. The gateway batches every alias per model, so
 * this is one iris run (3 flowers), one sentiment run (2 texts) and one recommender run.
 */
export const IDE_EXAMPLE_QUERY = `# Run it with Ctrl+Enter or the ▶ button.
# One request, three models. The gateway batches
# the calls to each model into one ONNX run: both
# iris aliases run together (3 flowers), and so do
# both sentiment aliases (2 texts). Ctrl+Space
# completes; the book (top left) shows the docs;
# the API key is in the Headers tab below.
query ExploreModels {
  setosa: predict(model: "iris", instances: [
    { features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }
  ]) {
    label
    score
  }
  others: predict(model: "iris", instances: [
    { features: { sepalLength: 5.9, sepalWidth: 3.0, petalLength: 4.2, petalWidth: 1.5 } }
    { features: { sepalLength: 6.9, sepalWidth: 3.1, petalLength: 5.4, petalWidth: 2.1 } }
  ]) {
    label
    probabilities { label probability }
  }
  loved: classifySentiment(text: "I loved this movie, the acting was wonderful") {
    label
    score
    scores { label probability }
  }
  hated: classifySentiment(text: "this was not good at all") {
    label
    score
  }
  forYou: recommendMovies(
    history: [{ movieId: "m0001", rating: 5 }, { movieId: "m0005", rating: 4.5 }, { movieId: "m0004", rating: 1 }]
    limit: 5
  ) {
    score
    movie { id title year genres }
  }
}
`;

/** What a new tab starts with. */
const NEW_TAB_QUERY = `# Ctrl+Space completes; the Docs button (top left) lists every field.
{
  models { name task status versions }
}
`;

export interface IdePageOptions {
  /** The GraphQL endpoint the IDE sends to (a path on this server). */
  readonly endpoint: string;
  /** The URL path the IDE's assets are served under; must end with '/'. */
  readonly assetsPath: string;
  /** The demo API key to prefill in the headers editor, when this server accepts it. */
  readonly demoApiKey?: string;
}

export function renderIdePage({ endpoint, assetsPath, demoApiKey }: IdePageOptions): string {
  // Ruru types its client config from GraphiQL's props, whose package it bundles instead of installing.
  const clientConfig: Record<string, unknown> = {
    initialQuery: IDE_EXAMPLE_QUERY,
    defaultQuery: NEW_TAB_QUERY,
    ...(demoApiKey === undefined ? {} : { initialHeaders: JSON.stringify({ 'x-api-key': demoApiKey }, null, 2) }),
    isHeadersEditorEnabled: true,
    // Ruru's plan and SQL explain tools are for Grafast servers; this gateway has neither.
    debugTools: [],
    // Open the editor tools on the headers, where the API key goes (a GraphiQL prop Ruru passes through).
    defaultEditorToolsVisibility: 'headers',
  };
  const config: RuruServerConfig = {
    endpoint,
    staticPath: assetsPath,
    clientConfig: clientConfig as RuruServerConfig['clientConfig'],
    htmlParts: {
      titleTag: '<title>ONNX GraphQL gateway · GraphQL IDE</title>',
      // Ruru's Explain panel shows Grafast's plans and SQL; this gateway has neither.
      styleTags: (original) =>
        `${original}\n<style>.graphiql-sidebar button[aria-label="Show Explain"] { display: none !important; }</style>`,
      // An inline icon, so the browser does not ask the server for /favicon.ico.
      metaTags: (original) => `${original}\n<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(FAVICON)}" />`,
      bodyInitScript: () => initScript(assetsPath, demoApiKey),
    },
  };
  return ruruHTML(config);
}

/**
 * Starts Ruru with a fetcher of our own. GraphiQL loads the schema as the page opens, before its
 * headers editor exists, so that first introspection would go without the prefilled key and fail
 * (introspection needs credentials): it gets the demo key. Every other request sends exactly the
 * headers in the editor. Without a demo key, type a key in the editor and re-fetch the schema.
 */
function initScript(assetsPath: string, demoApiKey: string | undefined): string {
  const schemaHeaders = demoApiKey === undefined ? {} : { 'x-api-key': demoApiKey };
  return `<script type="module">
import { React, createRoot, Ruru } from ${JSON.stringify(`${assetsPath}ruru.js`)};
const endpoint = new URL(RURU_CONFIG.endpoint, location.href).href;
const schemaHeaders = ${JSON.stringify(schemaHeaders).replace(/</g, '\\u003c')};
async function fetcher(params, options) {
  const headers = options?.headers ?? (params.operationName === "IntrospectionQuery" ? schemaHeaders : {});
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json;q=0.9", ...headers },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: "HTTP " + response.status + ": " + text }] };
  }
}
createRoot(document.getElementById("ruru-root")).render(React.createElement(Ruru, { ...RURU_CONFIG, fetcher }));
</script>`;
}

const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#e10098"/></svg>';
