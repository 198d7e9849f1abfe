/** Start-up: sets the document language, then mounts the app. */
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { lang, t } from "./i18n";

document.documentElement.lang = lang;
document.title = t("app.title");

const target = document.getElementById("app");
if (target === null) throw new Error("index.html has no #app element");

export default mount(App, { target });
