// Stands in for @types/node in the DOM-free check (tsconfig.core.json): apache-arrow's declarations
// reference Node's types, which would otherwise make process, Buffer and friends type-check in core/.
export {};
