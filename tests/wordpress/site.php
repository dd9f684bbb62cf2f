<?php
/**
 * Builds and edits the test WordPress site through WordPress's own PHP API, as a plugin or
 * WP-CLI would: `php site.php WP_ROOT COMMAND SPEC.json` prints a JSON answer on stdout.
 *
 *   install  {title, description, user, display_name, email, password, language,
 *             permalink_structure, options: {name: value}}
 *   apply    {categories: [{name, slug}], posts: [POST], updates: [{id, title}]}
 *
 * POST = {key, title, slug, status, date (site-local "Y-m-d H:i:s"), categories: [slug],
 *         tags: [name], password, blocks: [html], files: [{key, path, name, title}]}.
 * In `blocks`, {{file:KEY}} becomes the URL of the uploaded file KEY and
 * {{attachment:KEY}} the address of its attachment page (what the File block links when
 * "Link to: attachment page" is chosen). Every post is answered with its id, permalink,
 * status, local and GMT dates and its files' URLs.
 */

if ($argc !== 4) {
    fwrite(STDERR, "usage: php site.php WP_ROOT install|apply SPEC.json\n");
    exit(2);
}
[$_, $root, $command, $spec_file] = $argv;
$spec = json_decode(file_get_contents($spec_file), true, 512, JSON_THROW_ON_ERROR);

// What a request to the site would carry; WordPress reads these while loading.
$_SERVER['HTTP_HOST'] = parse_url($spec['home'], PHP_URL_HOST) . ':' . parse_url($spec['home'], PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

if ($command === 'install') {
    define('WP_INSTALLING', true);
    // No mail on this machine: the "new site" notice is replaced by nothing (pluggable).
    function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
}
require rtrim($root, '/') . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

function fail(string $message) {
    fwrite(STDERR, $message . "\n");
    exit(1);
}

function install(array $spec): array {
    $result = wp_install($spec['title'], $spec['user'], $spec['email'], true, '', $spec['password'], $spec['language']);
    $user_id = $result['user_id'];
    wp_update_user(['ID' => $user_id, 'display_name' => $spec['display_name'],
                    'nickname' => $spec['display_name'], 'first_name' => $spec['display_name']]);
    wp_set_current_user($user_id);
    // wp_install's sample content: "Hello world!", its comment and the sample page.
    foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'publish', 'numberposts' => -1]) as $post) {
        wp_delete_post($post->ID, true);
    }
    update_option('blogdescription', $spec['description']);
    foreach ($spec['options'] as $name => $value) {
        update_option($name, $value);
    }
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure($spec['permalink_structure']);
    // Taxonomies registered their rewrite rules when this process had no permalink
    // structure yet (they add none then): the rules are built by the next process.
    delete_option('rewrite_rules');
    return ['user_id' => $user_id, 'version' => get_bloginfo('version'),
            'language' => get_option('WPLANG'), 'timezone' => wp_timezone_string(),
            'permalink_structure' => get_option('permalink_structure')];
}

function upload(array $file, string $local_date, int $parent): array {
    $bits = wp_upload_bits($file['name'], null, file_get_contents($file['path']),
                           substr($local_date, 0, 4) . '/' . substr($local_date, 5, 2));
    if (!empty($bits['error'])) {
        fail("upload of {$file['name']}: {$bits['error']}");
    }
    $id = wp_insert_attachment([
        'post_title' => $file['title'],
        'post_mime_type' => 'application/pdf',
        'post_status' => 'inherit',
        'post_date' => $local_date,
        'guid' => $bits['url'],
    ], $bits['file'], $parent, true);
    if (is_wp_error($id)) {
        fail("attachment {$file['name']}: " . $id->get_error_message());
    }
    wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $bits['file']));
    return ['id' => $id, 'url' => wp_get_attachment_url($id), 'page' => get_attachment_link($id)];
}

function describe(int $id, array $files): array {
    $post = get_post($id);
    return ['id' => $id, 'status' => $post->post_status, 'title' => $post->post_title,
            'slug' => $post->post_name, 'date' => $post->post_date, 'date_gmt' => $post->post_date_gmt,
            'permalink' => get_permalink($id), 'files' => $files];
}

function add_post(array $spec): array {
    $category_ids = [];
    foreach ($spec['categories'] as $slug) {
        $term = get_term_by('slug', $slug, 'category') ?: fail("no category $slug");
        $category_ids[] = $term->term_id;
    }
    $args = [
        'post_type' => 'post',
        'post_title' => $spec['title'],
        'post_name' => $spec['slug'],
        'post_status' => $spec['status'],
        'post_date' => $spec['date'],
        'post_content' => '',
        'post_category' => $category_ids,
        'tags_input' => $spec['tags'],
        'post_password' => $spec['password'] ?? '',
    ];
    $id = wp_insert_post($args, true);
    if (is_wp_error($id)) {
        fail("post {$spec['key']}: " . $id->get_error_message());
    }
    $files = [];
    foreach ($spec['files'] as $file) {
        $files[$file['key']] = upload($file, $spec['date'], $id);
    }
    $content = implode("\n\n", $spec['blocks']);
    foreach ($files as $key => $file) {
        $content = str_replace(['{{file:' . $key . '}}', '{{attachment:' . $key . '}}'],
                               [$file['url'], $file['page']], $content);
    }
    // Updating keeps the status, the dates and the slug given at creation.
    $updated = wp_update_post(['ID' => $id, 'post_content' => $content], true);
    if (is_wp_error($updated)) {
        fail("content of {$spec['key']}: " . $updated->get_error_message());
    }
    return describe($id, $files);
}

function apply_spec(array $spec): array {
    $answer = ['categories' => [], 'posts' => [], 'updates' => []];
    foreach ($spec['categories'] ?? [] as $category) {
        $term = wp_insert_term($category['name'], 'category', ['slug' => $category['slug']]);
        if (is_wp_error($term)) {
            fail("category {$category['slug']}: " . $term->get_error_message());
        }
        $answer['categories'][$category['slug']] = get_category_link($term['term_id']);
    }
    foreach ($spec['posts'] ?? [] as $post) {
        $answer['posts'][$post['key']] = add_post($post);
    }
    foreach ($spec['updates'] ?? [] as $update) {
        $done = wp_update_post(['ID' => $update['id'], 'post_title' => $update['title']], true);
        if (is_wp_error($done)) {
            fail("update of {$update['id']}: " . $done->get_error_message());
        }
        $answer['updates'][] = describe($update['id'], []);
    }
    flush_rewrite_rules(false);  // what saving the permalink settings does
    return $answer;
}

if ($command === 'install') {
    $answer = install($spec);
} else {
    // The site's administrator: unfiltered HTML (block markup kept as written).
    $admin = get_user_by('login', $spec['user']) ?: fail("no user {$spec['user']}");
    wp_set_current_user($admin->ID);
    $answer = apply_spec($spec);
}
echo json_encode($answer, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT), "\n";
