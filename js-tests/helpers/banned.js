// api.weixin.qq.com through every route a script has, for the ban tests with urlCheck on
// (request/domains.test.js) and off (request/url-check-off/). The testkit routes the banned
// name to its servers with connectTo and holds certificates for it: were the ban broken, each
// call would reach a local sentinel and succeed, never the real host.
const { sandbox } = require('wxrun');
const { API } = require('./net');
const { record } = require('./ws');

const BANNED = 'api.weixin.qq.com';

const call = (api, options) => new Promise((resolve) => wx[api](Object.assign({}, options, { complete: resolve })));
const notListed = (api) => ({ errMsg: api + ':fail url not in domain list', errno: 600002 });

// What a TCPSocket to the banned host reports: the first onError, or 'connected' were the ban
// broken (the socket is then closed at once).
const tcp = () =>
  new Promise((resolve) => {
    const socket = wx.createTCPSocket();
    socket.onConnect(() => {
      socket.close();
      resolve('connected');
    });
    socket.onError(resolve);
    socket.connect({ address: BANNED, port: 9100 });
  });

// [route, () => Promise of what the script saw, what a phone shows].
exports.routes = [
  ['request', () => call('request', { url: 'https://' + BANNED + '/echo' }), notListed('request')],
  ['request, upper case and a trailing dot', () => call('request', { url: 'https://API.WEIXIN.QQ.COM./echo' }), notListed('request')],
  ['request, with userinfo', () => call('request', { url: 'https://user@' + BANNED + '/echo' }), notListed('request')],
  ['request, percent-encoded', () => call('request', { url: 'https://%61pi.weixin.qq.com/echo' }), notListed('request')],
  ['request, explicit port 443', () => call('request', { url: 'https://' + BANNED + ':443/echo' }), notListed('request')],
  ['request over plain http', () => call('request', { url: 'http://' + BANNED + '/echo' }), notListed('request')],
  ['a redirect hop from a reachable host', () => call('request', { url: API + '/redirect-to?url=' + encodeURIComponent('https://' + BANNED + '/echo') }), notListed('request')],
  [
    'uploadFile',
    () => {
      sandbox.put('wxfile://usr/banned.txt', 'secret');
      return call('uploadFile', { url: 'https://' + BANNED + '/upload', filePath: 'wxfile://usr/banned.txt', name: 'f' });
    },
    notListed('uploadFile'),
  ],
  ['downloadFile', () => call('downloadFile', { url: 'https://' + BANNED + '/bytes/10' }), notListed('downloadFile')],
  [
    'UDP send',
    () =>
      new Promise((resolve) => {
        const socket = wx.createUDPSocket();
        const seen = [];
        // Refused: onError. Sent: the sentinel, the testkit's UDP echo server, answers.
        socket.onError((e) => {
          seen.push(e.errMsg);
          socket.close();
        });
        socket.onMessage(() => {
          seen.push('answered by the sentinel');
          socket.close();
        });
        socket.onClose(() => resolve(seen));
        socket.send({ address: BANNED, port: 9000, message: 'banned' });
      }),
    ['send:fail url not in domain list (' + BANNED + ':9000)'],
  ],
  [
    'connectSocket',
    // Closed if it ever opens, so that a broken ban ends the test at once.
    () => record(wx.connectSocket({ url: 'wss://' + BANNED + ':8443/echo' }), (kind, payload, task) => kind === 'open' && task.close({})),
    [
      ['error', { errMsg: 'url not in domain list' }],
      ['close', { code: 1006, reason: 'url not in domain list' }],
    ],
  ],
  ['TCPSocket', tcp, { errMsg: 'connect:fail url not in domain list (' + BANNED + ':9100)', errCode: -3 }],
];
