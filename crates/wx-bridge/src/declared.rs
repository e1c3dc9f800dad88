//! Every native of every layer: the one place each is named and typed.
//!
//! Types are written as TypeScript would write them; `?` marks a parameter that may be left
//! out. The Rust side installs each through [`crate::Natives`]; the JavaScript side is checked
//! against these tables by this crate's tests.

pub mod host {
    //! The bootstrap layer's natives (wx-host/js): output, timers, modules, errors, the run.

    crate::natives! {
        pub TABLE {
            /// Writes `text` to stdout (fd 1) or stderr (fd 2); a closed pipe is ignored.
            WRITE: fn write(fd: "number", text: "string");
            /// Arms timer `id` to fire after `ms` (negative and non-finite count as 0).
            TIMER_START: fn timerStart(id: "number", ms: "number");
            TIMER_CLEAR: fn timerClear(id: "number");
            /// The file or builtin a `require` of `specifier` from the file `from` loads; throws an
            /// Error with code MODULE_NOT_FOUND that lists every place looked.
            RESOLVE: fn resolve(specifier: "string", from: "string?") -> "string";
            /// A file's text without its BOM (a `#!` line becomes a comment).
            READ_TEXT: fn readText(path: "string") -> "string";
            /// The compiled CommonJS wrapper of a file: ES modules and TypeScript compiled first.
            COMPILE_COMMON_JS: fn compileCommonJs(path: "string") -> "Function";
            /// The `code` of the SyntaxError a compile error throws.
            COMPILE_ERROR_CODE: value compileErrorCode: "string";
            /// Whether files are instrumented for coverage (`wxrun test --coverage`): then the
            /// layer defines the function their counters come from.
            COVERAGE: value coverage: "boolean";
            /// A compiled location as the user wrote it: [line, column], or undefined when it needs
            /// no change.
            USER_LOCATION: fn userLocation(file: "string", line: "number", column: "number") -> "[number, number] | undefined";
            /// Prints an error report to stderr (redacted) and counts it for the exit code.
            PRINT_ERROR: fn printError(text: "string");
            /// Limits the current slice of JS to `ms` (negative: no limit).
            SET_SLICE_DEADLINE: fn setSliceDeadline(ms: "number");
            /// Calls `fn()`; when a slice deadline interrupts it, throws a catchable Error marked
            /// `sliceTimeout`.
            CALL_INTERRUPTIBLE: fn callInterruptible(fn_: "() => unknown") -> "unknown";
            /// The text with configured secrets replaced.
            REDACT: fn redact(text: "string") -> "string";
            /// Records and prints a warning (or, with --strict, an error) of `code` at `site`.
            PRINT_WARNING: fn printWarning(code: "string", message: "string", site: "string");
            /// The ES modules loaded so far, by path.
            ES_MODULES: fn esModules() -> "string[]";
            /// Makes `name` a builtin module for `require`.
            DEFINE_BUILTIN: fn defineBuiltin(name: "string");
            /// Ends the run with `code` (1 when not a finite number); does not return.
            EXIT: fn exit(code: "unknown");
            /// Ends the run as if nothing were pending; does not return.
            FINISH: fn finish();
            /// Asks the loop to call `runNextMacrotask` once.
            POST_MACROTASK: fn postMacrotask();
            /// The script's arguments, the script first.
            ARGS: value args: "string[]";
            CWD: value cwd: "string";
            /// The process environment.
            ENV: value env: "Record<string, string>";
            /// The name of the accessor of a field built when first read (the console shows such
            /// a field by its value).
            LAZY_GETTER_NAME: value lazyGetterName: "string";
        }
    }
}

pub mod fs {
    //! The file system natives of wx-api (`native.fs`): sandboxed paths, errors thrown with the
    //! catalogue's reason and errno.

    crate::natives! {
        pub TABLE {
            READ: fn read(path: "string", position: "number?", length: "number?") -> "ArrayBuffer";
            WRITE: fn write(path: "string", data: "string | ArrayBuffer", append: "boolean");
            ACCESS: fn access(path: "string");
            /// [mode, size, lastAccessedTime, lastModifiedTime, isDirectory], or with `recursive`
            /// [[relative path, that array]...].
            STAT: fn stat(path: "string", recursive: "boolean") -> "Array<unknown>";
            UNLINK: fn unlink(path: "string");
            MKDIR: fn mkdir(path: "string", recursive: "boolean");
            READDIR: fn readdir(path: "string") -> "string[]";
            RMDIR: fn rmdir(path: "string", recursive: "boolean");
            COPY: fn copy(from: "string", to: "string");
            RENAME: fn rename(from: "string", to: "string");
            /// Moves a temporary file into the saved files; returns its new path.
            SAVE: fn save(from: "string", to: "string?") -> "string";
            /// [[filePath, size, createTime]...]
            SAVED_LIST: fn savedList() -> "Array<[string, number, number]>";
            REMOVE_SAVED: fn removeSaved(path: "string");
            /// [size, digest] with the digest in `algorithm` (md5 or sha1).
            INFO: fn info(path: "string", algorithm: "string") -> "[number, string]";
            ENCODE: fn encode(text: "string", encoding: "string") -> "ArrayBuffer";
            DECODE: fn decode(data: "ArrayBuffer", encoding: "string") -> "string";
            /// wxrun.sandbox.put: writes a fixture file.
            PUT: fn put(path: "string", data: "string | ArrayBuffer");
            /// Where a sandbox path lives on the host.
            HOST_PATH: fn hostPath(path: "string") -> "string";
        }
    }
}

pub mod storage {
    //! The storage natives of wx-api (`native.storage`): one store per appid, the phone's limits.

    crate::natives! {
        pub TABLE {
            /// Sets every pair or none; returns "" or the fail reason.
            SET: fn set(keys: "string[]", values: "string[]") -> "string";
            GET: fn get(key: "string") -> "string | undefined";
            REMOVE: fn remove(key: "string");
            CLEAR: fn clear();
            INFO: fn info() -> "{keys: string[], currentSize: number, limitSize: number}";
        }
    }
}

pub mod tcp {
    //! The TCPSocket natives of wx-api (`native.tcp`): the creation limit, the address rules
    //! and the connections (docs/tcp.md).

    crate::natives! {
        pub TABLE {
            /// What the base library gives TCPSocket: [the ipv6 type (3.6.4), bindWifi (2.25.0),
            /// onConnect's useHttpDNS and exception (3.4.0), its localInfo and remoteInfo (3.4.1)].
            GATES: value gates: "[boolean, boolean, boolean, boolean]";
            /// [sockets, minutes] of the creation limit, for its failure text.
            LIMIT: value limit: "[number, number]";
            /// Counts a new TCPSocket; false once 20 were created in the last 5 minutes.
            CREATE: fn create() -> "boolean";
            /// Starts connection `id` (its events reach the task handler `id`) unless the
            /// address rules refuse it; then returns the refusal's catalogue key. `port` as the
            /// script gave it (NaN for a non-number), `timeout` in seconds.
            CONNECT: fn connect(id: "number", address: "string", port: "number", v6: "boolean", timeout: "number | undefined") -> "string | undefined";
            /// Writes to connection `id` (queued while it connects); false when it is closing or
            /// gone.
            WRITE: fn write(id: "number", data: "string | ArrayBuffer") -> "boolean";
            /// Closes connection `id`; its close event follows.
            CLOSE: fn close(id: "number");
            /// What bindWifi reports on the simulated device: [catalogue key, detail].
            BIND_WIFI: fn bindWifi(bssid: "string | undefined") -> "[string, string]";
        }
    }
}

pub mod media {
    //! The simulated album's natives of wx-api (`native.media`, docs/device.md): picks copied
    //! into the sandbox's temp files, and what an image file says of itself.

    crate::natives! {
        pub TABLE {
            /// Copies up to `count` files of `kind` ('image', 'video' or 'file') from the
            /// profile's mediaFolder (or the built-in photo) into temp files: [[wxfile path,
            /// size, original name, what it is ('image', 'video' or 'file')]...]; empty when the
            /// album has none.
            PICK: fn pick(kind: "string", count: "number") -> "Array<[string, number, string, string]>";
            /// Paths without wxfile:// are files of the code package: the folder `root` (the
            /// launched mini-program's) or else the run's mini-program folder.
            /// [width, height, type] of an image file, or undefined when it is no image; throws
            /// a file error (message and errno) when the file cannot be read.
            IMAGE_INFO: fn imageInfo(path: "string", root: "string?") -> "[number, number, string] | undefined";
            /// A new temp file holding a copy of `path`; throws a file error as imageInfo does.
            COPY_TO_TEMP: fn copyToTemp(path: "string", root: "string?") -> "string";
            /// How long the audio file at `path` plays, in seconds (WAV, MP3, MP4/M4A), or
            /// undefined for another format; throws a file error as imageInfo does.
            /// A recording: a new temp file with extension `extension` holding `millis` of silence
            /// (16-bit PCM WAV); [its path, its size].
            RECORD_SILENCE: fn recordSilence(millis: "number", sampleRate: "number", channels: "number", extension: "string") -> "[string, number]";
            AUDIO_LENGTH: fn audioLength(path: "string", root: "string?") -> "number | undefined";
        }
    }
}

pub mod worker {
    //! The main thread's natives of `wx.createWorker` (`native.worker`, wx-api/src/worker.rs).

    crate::natives! {
        pub TABLE {
            /// Starts worker `id` on `scriptPath` (relative to `root`, the launched mini-program's
            /// folder, or else the run's); its
            /// events reach the task handler `id`. Undefined, or [catalogue key, details...]
            /// when it cannot start.
            CREATE: fn create(id: "number", scriptPath: "string", root: "string?") -> "string[] | undefined";
            /// Sends a message (JSON text) to worker `id`.
            POST: fn post(id: "number", json: "string");
            /// Stops worker `id` at once.
            TERMINATE: fn terminate(id: "number");
        }
    }
}

pub mod worker_global {
    //! The natives of a worker thread's global `worker` (wx-api/js/worker/global.js).

    crate::natives! {
        pub TABLE {
            /// Sends a message (JSON text) to the main thread.
            POST: fn post(json: "string");
            /// Tells the main thread the system killed this worker, and ends it.
            KILLED: fn killed();
        }
    }
}

pub mod cloud {
    //! The natives of `wx.cloud` (`native.cloud`): mock rules for cloud functions, the cloud
    //! file store in the sandbox, and the database file under the data folder (docs/device.md).

    crate::natives! {
        pub TABLE {
            /// The first mock rule answering cloud function `name` with `data` (JSON text):
            /// ["result", JSON text of the result, delay in ms] or ["fail", reason, delay].
            CALL_RULE: fn callRule(name: "string", data: "string") -> "[string, string, number] | undefined";
            /// Copies the sandbox file `filePath` to `cloudPath` of `env`'s store; returns the
            /// catalogue key of a refused `cloudPath`. A file it cannot read throws its failure.
            UPLOAD: fn upload(env: "string", cloudPath: "string", filePath: "string") -> "string | undefined";
            /// Copies `cloudPath` of `env`'s store to a new temp file; its path, or undefined
            /// when there is no such file.
            DOWNLOAD: fn download(env: "string", cloudPath: "string") -> "string | undefined";
            EXISTS: fn exists(env: "string", cloudPath: "string") -> "boolean";
            /// Removes `cloudPath` of `env`'s store; whether it was there.
            REMOVE: fn remove(env: "string", cloudPath: "string") -> "boolean";
            /// The JSON text of `env`'s database file (`--data-dir`), or undefined when there is
            /// none; throws an Error naming the file when it cannot be read or is not a store.
            LOAD_DATABASE: fn loadDatabase(env: "string") -> "string | undefined";
            /// Replaces `env`'s database file with `text` (only with `--data-dir`); throws an
            /// Error naming the file when it cannot be written.
            SAVE_DATABASE: fn saveDatabase(env: "string", text: "string");
        }
    }
}

pub mod wx {
    //! The natives of the `wx` layers (wx-api/js).

    crate::natives! {
        pub TABLE {
            APPID: value appid: "string";
            /// Whether results carry `errno` (base library 2.24.0 and later).
            ERRNO_ENABLED: value errnoEnabled: "boolean";
            /// The catalogue's [reason, errno, errCode] for `key`, with `details` filled in.
            FAILURE: fn failure(key: "string", details: "string[]") -> "[string, number | null, number | null]";
            SYSTEM_INFO: fn systemInfo() -> "object";
            CAN_I_USE: fn canIUse(schema: "string") -> "boolean";
            NETWORK_TYPE: value networkType: "string";
            SET_FOREGROUND: fn setForeground(foreground: "boolean");
            SET_ONLINE: fn setOnline(online: "boolean");
            IS_FILE: fn isFile(path: "string") -> "boolean";
            /// The mini-program folder, absolute; throws a message naming it when it is no folder.
            APP_ROOT: fn appRoot(dir: "string") -> "string";
            /// The parts of a lazy layer, compiled from bytecode, in order.
            COMPILE_LAYER: fn compileLayer(name: "string") -> "Function[]";
            /// Whether `--api-coverage` counts calls (then `touch` records each).
            COVERAGE_ON: value coverageOn: "boolean";
            TOUCH: fn touch(name: "string");
            /// Whether `--trace` is on.
            TRACE: value trace: "boolean";

            /// The JSON text of the surface table's entry `name` in `section` (undefined if none),
            /// or with no name the section's names.
            SURFACE: fn surface(section: "string", name: "string?") -> "string | string[] | undefined";
            /// [support ('real' | 'simulated' | 'recorded'), inventory category, the layer defining
            /// it ('base' for core.js and base.js)], or undefined for a name wx does not have.
            API_INFO: fn apiInfo(name: "string") -> "[string, string, string] | undefined";
            /// The run's device state: {location, user, scopes, payment, subscribe, mediaFolder,
            /// userAgent}.
            PROFILE: fn profile() -> "object";
            /// The most bytes `randomValues` gives at once.
            RANDOM_LIMIT: value randomLimit: "number";
            /// An ArrayBuffer of `length` bytes from the operating system's CSPRNG, or undefined
            /// when `length` is not a whole number up to randomLimit.
            RANDOM_VALUES: fn randomValues(length: "number") -> "ArrayBuffer | undefined";

            FS_GROUP: group fs = super::fs::TABLE;
            STORAGE_GROUP: group storage = super::storage::TABLE;
            TCP_GROUP: group tcp = super::tcp::TABLE;
            MEDIA_GROUP: group media = super::media::TABLE;
            WORKER_GROUP: group worker = super::worker::TABLE;
            CLOUD_GROUP: group cloud = super::cloud::TABLE;

            /// Checks the options of wx.request as the platform does (spec 4.2) and starts HTTP
            /// task `id` with the request they build (4.3). Returns undefined, the fail result
            /// of a call that fails now (fail and complete run at once, the call returns
            /// undefined), or the conformance warnings, [code, message], to report at the call
            /// site. The task's events reach its handler as ("headers", {header, statusCode,
            /// cookies}), ("chunk", {data}), ("progress", {progress, ...}), ("warning", code,
            /// message), ("hint", text), ("done", result, traceLine?) and ("fail", result,
            /// traceLine?), each object built natively.
            REQUEST: fn request(id: "number", options: "object") -> "undefined | {errMsg: string, errno?: number} | Array<[string, string]>";
            /// wx.uploadFile's checks and task (spec 5), answering as `request` does.
            UPLOAD_FILE: fn uploadFile(id: "number", options: "object") -> "undefined | {errMsg: string, errno?: number} | Array<[string, string]>";
            /// wx.downloadFile's checks and task (spec 6), answering as `request` does.
            DOWNLOAD_FILE: fn downloadFile(id: "number", options: "object") -> "undefined | {errMsg: string, errno?: number} | Array<[string, string]>";
            /// Makes task `id` report its headers.
            WANT_HEADERS: fn wantHeaders(id: "number");
            /// Aborts task `id`: "queued", "running" or "finished".
            ABORT: fn abort(id: "number") -> "string";

            SOCKET_LIMIT: value socketLimit: "number";
            /// Opens WebSocket `id`; returns the asked timeout when it was capped at 60 s. Its
            /// events reach its handler as ("open", {header, profile}) built natively,
            /// ("message", data), ("warning", code, message), ("hint", text), ("error", errMsg)
            /// and ("close", code, reason).
            SOCKET_OPEN: fn socketOpen(id: "number", url: "string", headers: "string[]", protocols: "string[]", timeout: "number | undefined", tcpNoDelay: "boolean") -> "number | undefined";
            SOCKET_SEND: fn socketSend(id: "number", data: "string | ArrayBuffer") -> "string | undefined";
            SOCKET_CLOSE: fn socketClose(id: "number", code: "number", reason: "string");

            /// Binds UDP socket `id`: [port, address]; throws with the system's reason when it
            /// cannot. Its events reach its handler as
            /// ("listening"), ("message", {message, remoteInfo, localInfo}) built natively,
            /// ("error", errMsg) and ("close").
            UDP_BIND: fn udpBind(id: "number", v6: "boolean", port: "number") -> "[number, string]";
            UDP_SEND: fn udpSend(id: "number", address: "string", port: "number", data: "string | ArrayBuffer", broadcast: "boolean");
            /// Undefined, or the error reason.
            UDP_CONNECT: fn udpConnect(id: "number", address: "string", port: "number") -> "string | undefined";
            UDP_WRITE: fn udpWrite(id: "number", data: "string | ArrayBuffer", broadcast: "boolean");
            /// Undefined, or the system's reason when the TTL cannot be set.
            UDP_SET_TTL: fn udpSetTTL(id: "number", ttl: "number") -> "string | undefined";
            UDP_CLOSE: fn udpClose(id: "number");
            /// Undefined, or the error reason.
            MDNS_START: fn mdnsStart(id: "number", serviceType: "string") -> "string | undefined";
            MDNS_STOP: fn mdnsStop();

            /// Adds a mock rule from its JSON; returns its id (throws with the rule's error).
            MOCK_ADD: fn mockAdd(json: "string") -> "number";
            MOCK_REMOVE: fn mockRemove(id: "number");
            MOCK_CLEAR: fn mockClear();
            /// A mark to remove the rules added after it (per test).
            MOCK_MARK: fn mockMark() -> "number";
            MOCK_REMOVE_AFTER: fn mockRemoveAfter(mark: "number");
        }
    }
}

pub mod test {
    //! The natives of the test layer (wx-test/js).

    crate::natives! {
        pub TABLE {
            /// The worker's options as JSON values.
            OPTIONS: value options: "object";
            /// Sends one event line to the test runner.
            EVENT: fn event(line: "string");
            /// The layer of the test API named `name` (pretty, mock, timers, snapshot), evaluated:
            /// loaded only when a test first needs it.
            LAYER: fn layer(name: "string") -> "Function";
            /// The test file, absolute.
            FILE: value file: "string";
            /// Whether the test file has a snapshot file (`__snapshots__/<file>.snap`).
            SNAPSHOT_FILE_EXISTS: fn snapshotFileExists() -> "boolean";
            /// A file's text, or undefined when it cannot be read.
            READ_FILE: fn readFile(path: "string") -> "string | undefined";
            /// Writes a file, making its folder; throws naming the file when it cannot.
            WRITE_FILE: fn writeFile(path: "string", text: "string");
            /// Removes a file; whether it was there.
            REMOVE_FILE: fn removeFile(path: "string") -> "boolean";
            /// Writes inline snapshots (JSON: [{line, column, snapshot}]) into the source at
            /// `path`; throws naming a location with no inline-snapshot call.
            WRITE_INLINE_SNAPSHOTS: fn writeInlineSnapshots(path: "string", entries: "string");
        }
    }
}
