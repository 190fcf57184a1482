import { startTestServer } from './test/support/gateway-server.js';
const s = await startTestServer({ GRAPHQL_EXECUTOR: process.argv[2] ?? 'jit' });
const q = 'query ($i: [InstanceInput!]!) { predict(model: "iris", instances: $i) { label } }';
const f = { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 };
const r1 = await s.gql(q, { i: [{ features: f }, { features: f, colour: 'blue' }] });
console.log(r1.status, JSON.stringify(r1.body.extensions), r1.body.errors?.[0]?.message.slice(0, 80));
const r2 = await s.gql(q, { i: [{ features: f }, { features: f, tensor: { values: [1] } }] });
console.log(r2.status, JSON.stringify(r2.body.extensions));
await s.close();
