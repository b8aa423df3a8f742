export {
  createPatronus,
  type Patronus,
  type PatronusMethod,
  type PatronusOptions,
  SDK_VERSION,
} from "./client.js";
export * from "./errors.js";
export { collect, type Page, paginate } from "./paginate.js";
export type { RetryOptions } from "./retry.js";
export type { components, operations, paths } from "./schema.js";
