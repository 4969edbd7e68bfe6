/**
 * Jest's Node environment, with the test file's global an ordinary object.
 *
 * jest-environment-node runs each test file in a `vm` context whose global is "contextified": every
 * read of a global (`Math`, `String`, `Number`…) goes through an interceptor, and hot library code
 * (the XML parser, csv-parse, knex, exceljs, pdfkit…) runs about twice as slowly as in plain Node.
 * Node's `vm.constants.DONT_CONTEXTIFY` (Node ≥ 20.18) makes a context whose global is an ordinary
 * object, so the same code runs at Node's own speed. Everything else is jest's environment as it is:
 * the new context receives the globals jest installs, the module registry stays per test file.
 *
 * What is given up: jest's teardown deletes the properties a test file set on its global, to let
 * them be collected early; here the whole context is dropped with the file instead.
 */
const vm = require('node:vm');
const { TestEnvironment } = require('jest-environment-node');

const plainGlobal = vm.constants !== undefined && vm.constants.DONT_CONTEXTIFY !== undefined;

class PlainGlobalEnvironment extends TestEnvironment {
  constructor(config, context) {
    if (!plainGlobal) {
      super(config, context);
      return;
    }
    const createContext = vm.createContext;
    vm.createContext = () => createContext(vm.constants.DONT_CONTEXTIFY);
    try {
      super(config, context);
    } finally {
      vm.createContext = createContext;
    }
  }
}

module.exports = PlainGlobalEnvironment;
