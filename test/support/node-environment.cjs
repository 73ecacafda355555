// jose and oidc-provider check `instanceof Uint8Array`; jest's vm realm has its own constructors, so the
// realm's typed arrays are replaced with the host's to keep one identity for them.
const { TestEnvironment } = require('jest-environment-node');

class NodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Uint8Array', 'ArrayBuffer', 'TextEncoder', 'TextDecoder']) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = NodeEnvironment;
