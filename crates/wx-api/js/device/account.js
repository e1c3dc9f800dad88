// The WeChat user: logged in, with a fresh login code per call, described by the profile's
// `device.user`; scopes granted when first asked unless the profile's `device.scopes` refuses
// them; payment sheets answered as `device.payment` says (cancelled by default) and
// subscription requests as `device.subscribe` says (accepted by default).
(function (core) {
  'use strict';
  const { define } = core;
  const sim = core.layerExports('simulated');
  const { state } = sim;

  sim.keep('logins', 0);

  // Each login yields a new code unless a script set one: `device.respond('login', { code })`.
  define('login', (options) => sim.respondAsync('login', options, {
    byDefault: () => ({ code: 'wxrun-login-code-' + (state.logins + 1) }),
    onAnswered: () => {
      state.logins += 1;
    },
  }));
  // The session stays valid.
  define('checkSession', (options) => sim.respondAsync('checkSession', options));

  // The profile's user, with rawData its JSON text; nothing is signed or encrypted.
  function userResult() {
    const user = sim.profile().user;
    const userInfo = { nickName: user.nickName, avatarUrl: user.avatarUrl, gender: user.gender, country: user.country, province: user.province, city: user.city, language: user.language };
    return { userInfo, rawData: JSON.stringify(userInfo), signature: '', encryptedData: '', iv: '', cloudID: '' };
  }
  define('getUserInfo', (options) => sim.respondAsync('getUserInfo', options, { byDefault: userResult }));
  define('getUserProfile', (options) => sim.respondAsync('getUserProfile', options, { byDefault: userResult }));
  define('getWeRunData', (options) => sim.respondAsync('getWeRunData', options, {
    byDefault: () => sim.askScope('getWeRunData', 'scope.werun') || { encryptedData: '', iv: '', cloudID: '' },
  }));

  // Scopes whose prompt the platform removed: asking for one always succeeds.
  const ALWAYS_GRANTED = ['scope.address', 'scope.invoice', 'scope.invoiceTitle'];
  define('authorize', (options) => sim.respondAsync('authorize', options, {
    byDefault: (opts) => {
      if (ALWAYS_GRANTED.includes(opts.scope)) {
        state.authSetting[opts.scope] = true;
        return {};
      }
      return sim.askScope('authorize', opts.scope) || {};
    },
  }));

  // Only the scopes asked for so far, as on a phone.
  function settings(opts) {
    const result = { authSetting: Object.assign({}, state.authSetting) };
    if (opts.withSubscriptions) result.subscriptionsSetting = { mainSwitch: true, itemSettings: {} };
    return result;
  }
  define('getSetting', (options) => sim.respondAsync('getSetting', options, { byDefault: settings }));
  // The settings page: the user changes nothing unless a script answers with an authSetting,
  // which the phone then keeps.
  define('openSetting', (options) => sim.respondAsync('openSetting', options, {
    byDefault: settings,
    onAnswered: (result) => {
      const changed = result.authSetting || {};
      for (const scope of Object.keys(changed)) {
        if (typeof changed[scope] === 'boolean') state.authSetting[scope] = changed[scope];
      }
    },
  }));

  // The user has agreed to the privacy guide.
  define('getPrivacySetting', (options) => sim.respondAsync('getPrivacySetting', options, { byDefault: () => ({ needAuthorization: false, privacyContractName: '' }) }));
  define('requirePrivacyAuthorize', (options) => sim.respondAsync('requirePrivacyAuthorize', options));

  // Payment sheets: the profile's answer (`device.payment`).
  const paid = (api) => () => (sim.profile().payment === 'success' ? {} : core.fail(api, 'userCancel'));
  for (const api of ['requestPayment', 'requestOrderPayment', 'requestPluginPayment', 'requestCommonPayment', 'requestVirtualPayment', 'requestMerchantTransfer']) {
    define(api, (options) => sim.respondAsync(api, options, { byDefault: paid(api) }));
  }

  // Each template answered as `device.subscribe` says.
  define('requestSubscribeMessage', (options) => sim.respondAsync('requestSubscribeMessage', options, {
    check: (opts) => (Array.isArray(opts.tmplIds) && opts.tmplIds.length === 0 ? core.fail('requestSubscribeMessage', 'subscribeNoTemplates') : undefined),
    byDefault: (opts) => {
      const result = {};
      for (const id of opts.tmplIds) result[String(id)] = sim.profile().subscribe;
      return result;
    },
  }));
})
