// @hey-api/openapi-ts: a fetch client, its types and one function per operation, named by the
// operationIds. `.js` import suffixes so that Node runs what tsc emits, with no bundler.
export default {
  input: '../../openapi/label-gateway.json',
  output: { path: 'src/client', importFileExtension: '.js' },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
  logs: { file: false },
};
