import { PolicyPack } from '@pulumi/policy';
import { TENANT_POLICIES } from './tenant-policies.js';

/** Loaded by `pulumi preview --policy-pack pulumi/policy` (after `npm run build`: it runs from dist/). */
new PolicyPack('tenant-invariants', { policies: TENANT_POLICIES });
