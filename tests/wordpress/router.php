<?php
// Router for PHP's built-in web server (`php -S HOST:PORT router.php`) in a WordPress
// tree: files that exist are served as they are (or run, for *.php), every other path
// goes to index.php, as Apache's rewrite rules do for pretty permalinks.
//
// The server logs the requests it serves itself; the ones handed to index.php here are
// logged by this script, in the same format and on the same stream (stderr), so the
// tests can read every answer's status: `[date] ADDR:PORT [STATUS]: METHOD URI`.
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
$file = $_SERVER['DOCUMENT_ROOT'] . $path;
if ($path !== '/' && is_file($file)) {
    return false;
}
if ($path !== '/' && is_dir($file) && is_file(rtrim($file, '/') . '/index.php')) {
    return false;
}
register_shutdown_function(function () {
    $conditional = isset($_SERVER['HTTP_IF_NONE_MATCH']) || isset($_SERVER['HTTP_IF_MODIFIED_SINCE']);
    file_put_contents('php://stderr', sprintf(
        "[%s] %s:%s [%d]: %s %s%s\n", date('D M j H:i:s Y'), $_SERVER['REMOTE_ADDR'],
        $_SERVER['REMOTE_PORT'], http_response_code() ?: 200, $_SERVER['REQUEST_METHOD'],
        $_SERVER['REQUEST_URI'], $conditional ? ' (conditional)' : ''));
});
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
