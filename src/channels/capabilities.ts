// The SPEC §2 capability table lives in the domain (settings validation needs it too); adapters
// declare their capabilities from it.
export * from '../domain/capabilities';
