/**
 * A validation rule: the operation's type must exist in the schema. graphql-js 16 does not check it
 * (17 will), so `mutation { __typename }` against a schema without a Mutation type passed validation
 * and failed in execution as an unexpected error (500-style INTERNAL_SERVER_ERROR, a stack in the log).
 * Here it is the client's mistake it is: GRAPHQL_VALIDATION_FAILED, HTTP 400.
 */
import { OperationTypeNode, type ValidationRule } from 'graphql';
import { GatewayError } from '../errors/gateway-error.js';
import { toRequestError } from './errors.js';

const OPERATION_TYPES = [OperationTypeNode.QUERY, OperationTypeNode.MUTATION, OperationTypeNode.SUBSCRIPTION];

export const KnownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const served = OPERATION_TYPES.filter((type) => schema.getRootType(type));
    if (served.includes(node.operation)) return;
    const message = `the operation must be a ${served.join(' or ')}, but got a ${node.operation}: this schema has no ${node.operation} type`;
    context.reportError(toRequestError(new GatewayError('GRAPHQL_VALIDATION_FAILED', message), { nodes: node }));
  },
});
