import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

// `tauri dev` loads build.devUrl from tauri.conf.json: keep the port in step with it.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true },
});
