import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session, type IpcMainInvokeEvent } from 'electron';
import { DEFAULT_SERVER_URL, normalizeServerUrl, SettingsStore, TokenStore } from './settings.js';

// The Electron main process: one window, the renderer from out/renderer over
// file://, the server reached over HTTP. Everything else lives in the renderer.

const RENDERER_DIR = path.join(__dirname, '..', 'renderer');
const RENDERER_URL = pathToFileURL(path.join(RENDERER_DIR, 'index.html')).href;
const RENDERER_PREFIX = pathToFileURL(RENDERER_DIR + path.sep).href;
const PRELOAD = path.join(__dirname, '..', 'preload', 'preload.cjs');

const envServer = normalizeServerUrl(process.env.FRONTDESK_SERVER_URL);
let settings: SettingsStore;
let tokens: TokenStore;

function contentSecurityPolicy(serverUrl: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${serverUrl}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function isOwnRenderer(url: string | undefined): boolean {
  return !!url && (url === RENDERER_URL || url.startsWith(RENDERER_PREFIX));
}

/** IPC is answered only for our own renderer's top frame. */
function trusted(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && frame.parent === null && isOwnRenderer(frame.url);
}

function handle(channel: string, fn: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void {
  ipcMain.handle(channel, (event, ...args) => {
    if (!trusted(event)) throw new Error('refused: not the Frontdesk window');
    return fn(event, ...args);
  });
}

function registerIpc(): void {
  handle('frontdesk:get-settings', () => settings.get());
  handle('frontdesk:save-settings', (_e, value) => settings.save(value));
  handle('frontdesk:load-token', () => tokens.load());
  handle('frontdesk:save-token', (_e, value) => {
    tokens.save(typeof value === 'string' && value.length <= 400 ? value : null);
  });
  handle('frontdesk:print-day-sheet', (event) => {
    return new Promise<void>((resolve, reject) => {
      event.sender.print({ printBackground: true, silent: false }, (ok, reason) => {
        if (ok || reason === 'cancelled') resolve();
        else reject(new Error(`printing failed: ${reason}`));
      });
    });
  });
}

/** Serves our own files with a CSP header naming the configured server. */
function serveRendererWithCsp(): void {
  protocol.handle('file', async (request) => {
    if (!isOwnRenderer(request.url)) return new Response('not found', { status: 404 });
    const response = await net.fetch(request, { bypassCustomProtocolHandlers: true });
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', contentSecurityPolicy(settings.get().serverUrl));
    return new Response(response.body, { status: response.status, headers });
  });
}

function lockDown(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnRenderer(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'Frontdesk',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(RENDERER_URL);
}

const singleInstance = app.requestSingleInstanceLock();
if (!singleInstance) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  void app.whenReady().then(() => {
    const dir = app.getPath('userData');
    settings = new SettingsStore(dir, { serverUrl: envServer ?? DEFAULT_SERVER_URL, deskName: '' });
    // The launcher's URL wins over a stale stored one: it started that server.
    if (envServer && settings.get().serverUrl !== envServer) settings.save({ ...settings.get(), serverUrl: envServer });
    tokens = new TokenStore(dir, safeStorage);
    lockDown();
    serveRendererWithCsp();
    registerIpc();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
