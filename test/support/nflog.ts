// Moved to stack/ (drills, bench and scripts use it too); tests keep importing it from here.
export * from '../../stack/nflog.ts';
