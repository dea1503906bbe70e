/* The entry form is written multipart, since every indicator can take evidence files. A multipart
   body sends each of the form's fields (three or four per indicator) as a part of its own, which
   costs the server several times what the same fields cost URL-encoded, and most saves at a
   deadline carry no file. So a save or submit with no file chosen goes URL-encoded; with a file,
   or without this script, the form goes multipart as written. The server reads both alike. */
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) {
    return;
  }
  form.addEventListener("submit", function () {
    var files = form.querySelectorAll('input[type="file"]');
    for (var i = 0; i < files.length; i += 1) {
      if (files[i].files && files[i].files.length > 0) {
        form.enctype = "multipart/form-data";
        return;
      }
    }
    form.enctype = "application/x-www-form-urlencoded";
  });
}());
