// An empty stand-in for @types/node, used only by tsconfig.core.json. The typings of docx and csv-parse reference
// Node's types (`/// <reference types="node" />`); without this stand-in they would bring Node's globals and `node:`
// modules into the core's check, and it could no longer prove that the core does without them.
export {};
