// The album and files of the simulated user: the choosers pick the files of the profile's
// `device.mediaFolder` (images, videos, or any file, by name, up to `count`), or the built-in
// 4x3 photo when the profile names no folder, and copy each into `wxfile://tmp_…` as a phone
// copies a pick, so `uploadFile` and the file system work on them. An album with nothing of the
// kind asked for is a user who cancels. getImageInfo reads the size from the file itself
// (a network image is downloaded first, under downloadFile's rules); compressImage copies.
(function (core) {
  'use strict';
  const { define, native, failResult } = core;
  const sim = core.layerExports('simulated');

  // What a native file error means for `api`: its fail result.
  const failed = (api, error) => failResult(api, error.message, typeof error.errno === 'number' ? error.errno : undefined);

  // [[path, size, name, kind]...] picked for `api`, or its fail result.
  function pick(api, kind, count, limit) {
    const wanted = typeof count === 'number' && count >= 1 ? Math.min(Math.floor(count), limit) : limit;
    let picked;
    try {
      picked = native.media.pick(kind, wanted);
    } catch (error) {
      return failed(api, error);
    }
    if (picked.length === 0) return core.fail(api, 'userCancel');
    if (core.tracing.on) core.trace('media', api + ' picked ' + picked.map((file) => file[2]).join(', '));
    return picked;
  }

  const isPick = (value) => Array.isArray(value);

  define('chooseImage', (options) => sim.respondAsync('chooseImage', options, {
    byDefault: (opts) => {
      const picked = pick('chooseImage', 'image', opts.count, 9);
      if (!isPick(picked)) return picked;
      return {
        tempFilePaths: picked.map((file) => file[0]),
        tempFiles: picked.map((file) => ({ path: file[0], size: file[1] })),
      };
    },
  }));

  // Images and videos as the media types allow; a video's duration and frame size are not
  // read from the file (0), its thumbnail is not made ('').
  define('chooseMedia', (options) => sim.respondAsync('chooseMedia', options, {
    byDefault: (opts) => {
      const types = Array.isArray(opts.mediaType) && opts.mediaType.length ? opts.mediaType : ['image', 'video'];
      const wantsImages = types.includes('image') || types.includes('mix');
      const wantsVideos = types.includes('video') || types.includes('mix');
      const kind = wantsImages && wantsVideos ? 'file' : wantsVideos ? 'video' : 'image';
      let picked = pick('chooseMedia', kind, opts.count, 9);
      if (!isPick(picked)) return picked;
      if (kind === 'file') picked = picked.filter((file) => file[3] !== 'file');
      if (picked.length === 0) return core.fail('chooseMedia', 'userCancel');
      const tempFiles = picked.map((file) => {
        const fileType = file[3];
        const info = fileType === 'image' ? native.media.imageInfo(file[0], undefined) : undefined;
        return {
          tempFilePath: file[0],
          size: file[1],
          duration: 0,
          height: info ? info[1] : 0,
          width: info ? info[0] : 0,
          thumbTempFilePath: '',
          fileType,
        };
      });
      const fileTypes = new Set(tempFiles.map((file) => file.fileType));
      return { tempFiles, type: fileTypes.size > 1 ? 'mix' : tempFiles[0].fileType };
    },
  }));

  define('chooseVideo', (options) => sim.respondAsync('chooseVideo', options, {
    byDefault: () => {
      const picked = pick('chooseVideo', 'video', 1, 1);
      if (!isPick(picked)) return picked;
      return { tempFilePath: picked[0][0], duration: 0, size: picked[0][1], height: 0, width: 0 };
    },
  }));

  // `type: 'image' | 'video'` picks those; 'all' and 'file' any file. Up to 100.
  define('chooseMessageFile', (options) => sim.respondAsync('chooseMessageFile', options, {
    byDefault: (opts) => {
      const kind = opts.type === 'image' || opts.type === 'video' ? opts.type : 'file';
      const picked = pick('chooseMessageFile', kind, opts.count, 100);
      if (!isPick(picked)) return picked;
      const time = Math.floor(Date.now() / 1000);
      return { tempFiles: picked.map((file) => ({ path: file[0], size: file[1], name: file[2], type: file[3], time })) };
    },
  }));

  function localImageInfo(api, src) {
    let info;
    try {
      info = native.media.imageInfo(src, core.app.root);
    } catch (error) {
      return failed(api, error);
    }
    if (!info) return core.fail(api, 'imageUnreadable');
    return { width: info[0], height: info[1], type: info[2], orientation: 'up', path: src };
  }

  define('getImageInfo', (options) => sim.respondAsync('getImageInfo', options, {
    byDefault: (opts) => {
      const src = opts.src;
      if (!/^https?:\/\//i.test(src)) return localImageInfo('getImageInfo', src);
      return new Promise((resolve) => {
        wx.downloadFile({
          url: src,
          success: (downloaded) => {
            const info = localImageInfo('getImageInfo', downloaded.tempFilePath);
            // The path of a network image is where it was downloaded to.
            resolve(info);
          },
          // The download's reason and errno, under this API's name.
          fail: (result) => resolve(failResult('getImageInfo', result.errMsg.slice('downloadFile'.length + 6), result.errno)),
        });
      });
    },
  }));

  // Nothing is recompressed: the copy is the same image, in a new temp file.
  define('compressImage', (options) => sim.respondAsync('compressImage', options, {
    byDefault: (opts) => {
      try {
        return { tempFilePath: native.media.copyToTemp(opts.src, core.app.root) };
      } catch (error) {
        return failed('compressImage', error);
      }
    },
  }));

  // The camera takes the album's first photo, as a new temp file.
  define('createCameraContext', () => {
    sim.record('createCameraContext', [], undefined);
    return sim.instance('CameraContext', {
      owner: 'createCameraContext',
      defaults: {
        takePhoto: () => {
          const picked = pick('CameraContext.takePhoto', 'image', 1, 1);
          return isPick(picked) ? { tempImagePath: picked[0][0], metadata: {} } : picked;
        },
      },
    });
  });

  // Saving into the album asks for scope.writePhotosAlbum; the album is not changed.
  for (const api of ['saveImageToPhotosAlbum', 'saveVideoToPhotosAlbum']) {
    define(api, (options) => sim.respondAsync(api, options, { byDefault: () => sim.askScope(api, 'scope.writePhotosAlbum') || {} }));
  }
})
