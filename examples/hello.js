// A first wxrun script: the device wxrun imitates, the base library it gates APIs by, timers,
// and a wx API whose callbacks arrive as macrotasks, as on a phone.
const info = wx.getSystemInfoSync();
console.log('Running as %s %s, base library %s', info.brand, info.model, info.SDKVersion);
console.log('wx.canIUse("request.object.timeout") =', wx.canIUse('request.object.timeout'));

wx.getNetworkType({
  success(res) {
    console.log('network type:', res.networkType);
  },
  complete() {
    setTimeout(() => console.log('done after a timer; args:', require('wxrun').args), 10);
  },
});
console.log('wx.getNetworkType returned; its callbacks come later');
