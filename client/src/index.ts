/**
 * The installable client's public entry (`@onnx-graphql-gateway/client`): the Apollo Client setup, the
 * never-throwing `runQuery`, and the gateway's error codes as a typed constant. Typed documents are the
 * consumer's own, generated from the gateway's schema by GraphQL Code Generator (see README.md).
 */
export {
  GATEWAY_ERROR_CODES,
  GatewayRequestError,
  createGatewayClient,
  gatewayErrorsOf,
  isGatewayErrorCode,
  runQuery,
  type ClientErrorCode,
  type GatewayClientOptions,
  type GatewayErrorCode,
  type GatewayResult,
} from './gateway-client.js';
