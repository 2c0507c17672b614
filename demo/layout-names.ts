/** The layouts `zkpulse demo --layout <name>` can simulate (no imports: the CLI checks the flag before loading the demo). */
export const DEMO_LAYOUTS = ['zkpulse', 'curator-leader-latch', 'kafka'] as const;
export type DemoLayout = (typeof DEMO_LAYOUTS)[number];

export const isDemoLayout = (name: string): name is DemoLayout => (DEMO_LAYOUTS as readonly string[]).includes(name);
