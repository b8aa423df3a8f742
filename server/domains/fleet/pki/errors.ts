// The one error type of the fleet PKI: its message says what was wrong with the input
// (a key, a CSR, a sealed value), never a stack of ASN.1 internals.
export class PkiError extends Error {
  override name = "PkiError";
}
