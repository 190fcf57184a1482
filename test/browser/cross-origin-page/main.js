// A front-end on its own origin, as a team would write it: Apollo Client calls the gateway with an API
// key and renders the answer; a plain fetch reads a response header the gateway exposes. Bundled by
// test/browser/cors.test.ts with esbuild. Plain JavaScript: the browser tests' page, not project code.
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';

const params = new URLSearchParams(location.search);
const endpoint = params.get('endpoint');
const apiKey = params.get('key');
const show = (id, text) => {
  document.getElementById(id).textContent = text;
};
// GraphQL errors (CombinedGraphQLErrors) with their codes; anything else (a network failure) as it came.
const describe = (error) =>
  `${error.name}: ${error.message}${error.errors ? ` [${error.errors.map((e) => e.extensions?.code).join(', ')}]` : ''}`;

const client = new ApolloClient({ link: new HttpLink({ uri: endpoint, headers: { 'x-api-key': apiKey } }), cache: new InMemoryCache() });
const IRIS = gql`
  query CrossOrigin {
    predict(model: "iris", instances: [{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }]) {
      label
    }
  }
`;

try {
  const { data, error } = await client.query({ query: IRIS, errorPolicy: 'all', fetchPolicy: 'no-cache' });
  if (error) show('error', describe(error));
  else show('label', data.predict[0].label);
} catch (error) {
  show('error', describe(error));
}

try {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  show('request-id', response.headers.get('x-request-id') ?? 'not exposed');
} catch (error) {
  show('request-id', describe(error));
}
document.body.dataset.done = 'true';
