// Bundled (scripts/build-node.mjs) in place of the parts of exceljs bdg never runs: its streaming reader and writer
// and its CSV, which load unzipper, archiver and fast-csv, a tenth of a second of every start of the summary's
// writer. bdg reads workbooks itself and writes them whole. Should one be used, it says so instead of working.
module.exports = class NotBundled {
  constructor() {
    throw new Error('bdg: this part of exceljs is not in the bundle (scripts/build-node.mjs)');
  }
};
