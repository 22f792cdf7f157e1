/** The playground's entry point: registers the elements; index.html holds <dl-app>. */
import "./app";
