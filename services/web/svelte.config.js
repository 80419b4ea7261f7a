// Svelte's defaults (runes, CSS extracted into the bundle's stylesheet); here so that the build says nothing of a missing config.
export default {};
