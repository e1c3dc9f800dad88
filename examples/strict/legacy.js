// Code that works in wxrun and DevTools but not on every phone:
//   wxrun run examples/strict/legacy.js            warnings on stderr, exit code 0
//   wxrun run --strict examples/strict/legacy.js   the same warnings are errors, exit code 1
wx.request({
  url: 'https://api.example.com/items',
  timeout: 90000, // phones cap request timeouts at 60 s
  header: { Referer: 'https://my.site/' }, // phones send their own Referer
  success: (res) => console.log('items:', res.statusCode, JSON.stringify(res.data)),
});
