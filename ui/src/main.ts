/** Start-up: sets the document language and title, then mounts the app. */
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { lang, setLang } from "./i18n.svelte";

setLang(lang());

const target = document.getElementById("app");
if (target === null) throw new Error("index.html has no #app element");

export default mount(App, { target });
