/** What storeImage makes: "ast_" and 18 random bytes, base64url. */
export const ASSET_ID = /^ast_[A-Za-z0-9_-]{24}$/;
