/**
 * The installable client's public entry (`@onnx-graphql-gateway/client`): the Apollo Client setup, the
 * never-throwing `runQuery`, and the gateway's error codes as a typed constant. Typed documents are the
 * consumer's own, generated from the gateway's schema by GraphQL Code Generator (see README.md).
 */
export {
  type ClientErrorCode,
  createGatewayClient,
  GATEWAY_ERROR_CODES,
  type GatewayClientOptions,
  type GatewayErrorCode,
  GatewayRequestError,
  type GatewayResult,
  gatewayErrorsOf,
  isGatewayErrorCode,
  runQuery,
} from './gateway-client.js';
