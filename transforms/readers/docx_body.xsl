<?xml version="1.0" encoding="UTF-8"?>
<!--
  The body of a Word document (word/document.xml) as one marked-up text stream, for docx_reader.py.

  libxslt walks the tree in C; walking it from Python costs a proxy object per element touched, which
  made the walk two thirds of reading a .docx. The stream is the document's text with a marker before
  each paragraph and around each table, row and cell: U+FDD0, a Unicode noncharacter reserved for a
  program's internal use, and a letter saying what it marks. docx_reader.py removes U+FDD0 from a
  document's own text before the transform, so that no text can pass for a marker, and turns the stream
  into lines; the letters' meaning is defined there, next to the code that reads them.

  What is walked, as python-docx would read it:
  - blocks: w:p and w:tbl children, looking through block content controls (w:sdt, its first
    w:sdtContent); anything else (bookmarks, section properties) holds no text;
  - a paragraph's text: every w:t below it in document order (runs, hyperlinks, inline content
    controls, tracked insertions), w:tab as a tab, w:br and w:cr as a line break; w:delText (deleted
    text) and w:instrText (field codes) are other elements and so left out;
  - a w:t contributes its text up to its first child node (lxml's .text; the schema allows no child);
  - a cell continuing a vertical merge (first w:tcPr's first w:vMerge, w:val other than "restart") is
    not emitted: its content is the cell above's;
  - tables nested in cells up to 16 deep; one deeper is emitted empty.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:variable name="max-table-depth" select="16"/>

  <xsl:template match="/">
    <xsl:apply-templates select="/*/w:body[1]/*" mode="block">
      <xsl:with-param name="depth" select="0"/>
    </xsl:apply-templates>
  </xsl:template>

  <!-- blocks; depth: how many tables enclose them -->
  <xsl:template match="*" mode="block"/>

  <xsl:template match="w:sdt" mode="block">
    <xsl:param name="depth"/>
    <xsl:apply-templates select="w:sdtContent[1]/*" mode="block">
      <xsl:with-param name="depth" select="$depth"/>
    </xsl:apply-templates>
  </xsl:template>

  <xsl:template match="w:p" mode="block">
    <xsl:text>&#xFDD0;p</xsl:text>
    <xsl:apply-templates mode="text"/>
  </xsl:template>

  <xsl:template match="w:tbl" mode="block">
    <xsl:param name="depth"/>
    <xsl:text>&#xFDD0;T</xsl:text>
    <xsl:if test="$depth &lt; $max-table-depth">
      <xsl:for-each select="w:tr">
        <xsl:text>&#xFDD0;R</xsl:text>
        <xsl:for-each select="w:tc[not(w:tcPr[1]/w:vMerge[1][not(@w:val = 'restart')])]">
          <xsl:text>&#xFDD0;C</xsl:text>
          <xsl:apply-templates select="*" mode="block">
            <xsl:with-param name="depth" select="$depth + 1"/>
          </xsl:apply-templates>
          <xsl:text>&#xFDD0;c</xsl:text>
        </xsl:for-each>
        <xsl:text>&#xFDD0;r</xsl:text>
      </xsl:for-each>
    </xsl:if>
    <xsl:text>&#xFDD0;t</xsl:text>
  </xsl:template>

  <!-- a paragraph's text: elements other than these are looked through, other text is not the document's -->
  <xsl:template match="text()" mode="text"/>

  <xsl:template match="w:t" mode="text">
    <xsl:value-of select="node()[1][self::text()]"/>
  </xsl:template>

  <xsl:template match="w:tab" mode="text">
    <xsl:text>&#9;</xsl:text>
  </xsl:template>

  <xsl:template match="w:br | w:cr" mode="text">
    <xsl:text>&#10;</xsl:text>
  </xsl:template>
</xsl:stylesheet>
