<?xml version="1.0" encoding="utf-8"?>
<!-- Renders the portal's Atom feeds as a readable French page when opened in a browser;
     feed readers ignore it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes"/>
  <xsl:template match="/atom:feed">
    <html lang="fr">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/></title>
        <style>
          body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; line-height: 1.5; }
          .aide { background: #eef3fb; border-left: 4px solid #1d4f91; padding: .75rem 1rem; }
          article { border-bottom: 1px solid #ddd; padding: .75rem 0; }
          h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
          a { color: #1d4f91; }
          .meta { color: #4a4a4a; font-size: .9rem; margin: 0; }
        </style>
      </head>
      <body>
        <p><a href="/">Portail CRPV</a> · <a href="/flux">Tous les flux</a></p>
        <h1><xsl:value-of select="atom:title"/></h1>
        <p class="aide">Ceci est un flux Atom : copiez l'adresse de cette page dans votre lecteur
          de flux (Thunderbird, Feedly, NetNewsWire…) pour être averti des nouveautés.
          <a href="{atom:link[@rel='alternate']/@href}">Voir ces éléments sur le portail</a>.</p>
        <xsl:for-each select="atom:entry">
          <article>
            <h2><a href="{atom:link[@rel='related']/@href}"><xsl:value-of select="atom:title"/></a></h2>
            <p class="meta">
              <xsl:for-each select="atom:author"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="atom:name"/></xsl:for-each>
              · <xsl:value-of select="substring(atom:published, 1, 10)"/>
            </p>
            <xsl:if test="atom:summary"><p><xsl:value-of select="atom:summary"/></p></xsl:if>
          </article>
        </xsl:for-each>
        <xsl:if test="not(atom:entry)"><p>Aucun élément pour l'instant.</p></xsl:if>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
