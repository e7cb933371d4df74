/**
 * The native menu as data: File (Open data…, Open recent, Export…), Edit, View (the eight pages with
 * Ctrl/Cmd+1…8), Help (About with the version and backend). Electron-free, so a unit test checks the
 * template; app.ts hands it to Menu.buildFromTemplate.
 */

/** The part of Electron's MenuItemConstructorOptions the menu uses. */
export interface MenuItem {
  label?: string;
  role?: 'appMenu' | 'editMenu' | 'quit' | 'reload' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'toggleDevTools';
  type?: 'separator';
  accelerator?: string;
  enabled?: boolean;
  submenu?: MenuItem[];
  click?: () => void;
}

export interface MenuActions {
  openData(): void;
  openRecent(file: string): void;
  clearRecent(): void;
  exportFigures(): void;
  showPage(page: string): void;
  about(): void;
}

export interface MenuInput {
  pages: ReadonlyArray<{ id: string; label: string }>;
  recent: readonly string[];
  platform: NodeJS.Platform;
  actions: MenuActions;
}

const separator: MenuItem = { type: 'separator' };

export function menuTemplate({ pages, recent, platform, actions }: MenuInput): MenuItem[] {
  const recentItems: MenuItem[] = recent.length
    ? [...recent.map((file) => ({ label: file, click: () => actions.openRecent(file) })), separator, { label: 'Clear recent', click: actions.clearRecent }]
    : [{ label: 'No recent files', enabled: false }];
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open data…', accelerator: 'CmdOrCtrl+O', click: actions.openData },
        { label: 'Open recent', submenu: recentItems },
        separator,
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: actions.exportFigures },
        ...(platform === 'darwin' ? [] : [separator, { role: 'quit' as const }]),
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...pages.map((p, k) => ({ label: p.label, accelerator: `CmdOrCtrl+${k + 1}`, click: () => actions.showPage(p.id) })),
        separator,
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator, { role: 'togglefullscreen' },
      ],
    },
    { label: 'Help', submenu: [{ label: 'About Tagscape', click: actions.about }] },
  ];
}

/** The About box's text. */
export function aboutText(version: string, backend: string): string {
  return `Tagscape ${version}\nTensor backend: ${backend}\n\nTrain, attack, harden and inspect jet-flavour taggers (arXiv:2303.14511).`;
}
