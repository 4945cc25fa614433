/** The `iss` of every tenant JWT, from the shared edge or a tenant's own edge. */
export const TOKEN_ISSUER = 'platform-edge';
